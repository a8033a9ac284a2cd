import type { CodegenConfig } from "@graphql-codegen/cli";
import type { Types } from "@graphql-codegen/plugin-helpers";
import { Kind, visit, type ASTNode, type SelectionSetNode } from "graphql";

/** `__typename` in every selection set but the operation's own, as urql adds it: graphcache
 * needs it, and the console reads a mutation's payload as the one field of its result. */
const typenameBelowRoot: Types.DocumentTransformObject = {
  transform: ({ documents }) =>
    documents.map((file) => ({
      ...file,
      document:
        file.document &&
        visit(file.document, {
          SelectionSet: {
            leave(node: SelectionSetNode, _key, parent: ASTNode | readonly ASTNode[] | undefined) {
              const root = parent && !Array.isArray(parent) && (parent as ASTNode).kind === Kind.OPERATION_DEFINITION;
              const has = node.selections.some((s) => s.kind === Kind.FIELD && s.name.value === "__typename");
              if (root || has) return undefined;
              const typename = { kind: Kind.FIELD, name: { kind: Kind.NAME, value: "__typename" } } as const;
              return { ...node, selections: [...node.selections, typename] };
            },
          },
        }),
    })),
};

// Types for every operation in src/, from the server's exported SDL (`make schema`).
const config: CodegenConfig = {
  schema: "../schema.graphql",
  documents: ["src/**/*.{ts,tsx}", "!src/gql/**/*"],
  ignoreNoDocuments: true,
  generates: {
    "./src/gql/": {
      preset: "client",
      // persisted-documents.json: every operation by the SHA-256 of its text, which the server
      // registers at start (trusted documents); the text already selects `__typename`, as
      // graphcache needs, so what runs is exactly what was registered.
      presetConfig: { fragmentMasking: false, persistedDocuments: { hashAlgorithm: "sha256" } },
      documentTransforms: [typenameBelowRoot],
      config: {
        scalars: { JSON: "any", DateTime: "string", Date: "string", Upload: "File" },
        enumsAsTypes: true,
        useTypeImports: true,
      },
    },
    // graphcache needs the schema to match fragments on interfaces (`node(id:)`).
    "./src/gql/introspection.ts": {
      plugins: ["urql-introspection"],
      config: { module: "es2015", minify: true, includeScalars: false, includeEnums: false, includeInputs: false, includeDirectives: false },
    },
  },
};
export default config;

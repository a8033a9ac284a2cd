import type { CodegenConfig } from "@graphql-codegen/cli";
import { addTypenameSelectionDocumentTransform } from "@graphql-codegen/client-preset";

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
      documentTransforms: [addTypenameSelectionDocumentTransform],
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

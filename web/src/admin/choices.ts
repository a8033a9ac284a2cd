import { useQuery } from "urql";
import { graphql } from "../gql";

const ChoicesQuery = graphql(`
  query AdminChoices {
    roles(first: 100) { edges { node { id code name } } }
    orgUnits(first: 100) { edges { node { id name depth parent { id } } } }
  }
`);

type Unit = { id: string; name: string; depth: number; parent?: { id: string } | null };

/** Units depth first, each below its parent, so an indented list reads as the tree. */
export function treeOrder<U extends Unit>(units: U[]): U[] {
  const ids = new Set(units.map((u) => u.id));
  const below = (parent: string | null): U[] =>
    units
      .filter((u) => (u.parent && ids.has(u.parent.id) ? u.parent.id : null) === parent)
      .flatMap((u) => [u, ...below(u.id)]);
  return below(null);
}

/** The roles and org units a form picks from (the first 100 of each). */
export function useChoices() {
  const [{ data }, refetch] = useQuery({ query: ChoicesQuery });
  return {
    roles: data?.roles.edges.map((e) => e.node) ?? [],
    units: treeOrder(data?.orgUnits.edges.map((e) => e.node) ?? []),
    refetch: () => refetch({ requestPolicy: "network-only" }),
  };
}

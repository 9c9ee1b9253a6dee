// A concept and a page of its edges, paginated the Relay way.
export const conceptFragment = graphql`
  fragment ConceptView_concept on Concept
  @refetchable(queryName: "ConceptViewPaginationQuery")
  @argumentDefinitions(count: { type: "Int", defaultValue: 10 }, cursor: { type: "String" }) {
    id
    name
    rank
    origin
    edges(first: $count, after: $cursor) @connection(key: "ConceptView_edges") {
      totalCount
      edges { node { id ...EdgeView_edge } }
    }
  }
`;

export const conceptQuery = graphql`
  query ConceptViewQuery($id: ID!) {
    concept(id: $id) { ...ConceptView_concept }
  }
`;

// Any object by its id.
export const nodeQuery = graphql`
  query NodeViewQuery($id: ID!) {
    node(id: $id) {
      id
      ... on Concept { name }
      ... on Article { title }
      ... on Passage { key text }
      ...SentenceView_sentence @alias
      ...EdgeView_edge @alias
    }
  }
`;

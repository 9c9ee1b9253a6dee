// The graph around a search text.
export const searchQuery = graphql`
  query SearchViewQuery($text: String!) {
    search(text: $text) {
      years
      concepts { ...ConceptView_concept }
      links { ...EdgeView_edge }
    }
  }
`;

// The graph around a search text.
export const searchQuery = graphql`
  query SearchViewQuery($text: String!, $exclude: [ID!]) {
    search(text: $text, exclude: $exclude) {
      years
      concepts { ...ConceptView_concept }
      links { ...EdgeView_edge }
    }
  }
`;

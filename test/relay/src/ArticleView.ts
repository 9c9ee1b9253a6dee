// An article's sentences, paginated the Relay way.
export const articleFragment = graphql`
  fragment ArticleView_article on Article
  @refetchable(queryName: "ArticleViewPaginationQuery")
  @argumentDefinitions(count: { type: "Int", defaultValue: 20 }, cursor: { type: "String" }) {
    id
    title
    year
    sentenceCount
    sentences(first: $count, after: $cursor) @connection(key: "ArticleView_sentences") {
      edges { node { id ...SentenceView_sentence } }
    }
  }
`;

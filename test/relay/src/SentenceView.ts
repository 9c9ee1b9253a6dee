// A sentence with its place in the article and the concepts it mentions.
export const sentenceFragment = graphql`
  fragment SentenceView_sentence on Sentence @refetchable(queryName: "SentenceViewRefetchQuery") {
    id
    key
    text
    start
    end
    position
    article { id title year }
    mentions { start end concept { id name } }
  }
`;

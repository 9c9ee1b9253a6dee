// A question's answers, each with its passage, sentence and the edge that led to it.
export const askQuery = graphql`
  query AskViewQuery($question: String!, $exclude: [ID!]) {
    ask(question: $question, limit: 5, exclude: $exclude) {
      question
      concepts { id name }
      answers {
        text
        score
        cached
        passage { id key text article { id title } }
        sentence { ...SentenceView_sentence }
        edge { ...EdgeView_edge }
      }
    }
  }
`;

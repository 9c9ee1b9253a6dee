// An edge of the graph and its best sentences; refetched on its own through node(id:).
export const edgeFragment = graphql`
  fragment EdgeView_edge on Edge @refetchable(queryName: "EdgeViewRefetchQuery") @argumentDefinitions(first: { type: "Int", defaultValue: 3 }) {
    id
    rank
    weight
    years
    source { id name }
    target { id name }
    sentences(first: $first) { id ...SentenceView_sentence }
  }
`;

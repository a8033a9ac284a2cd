import { graphql } from "../gql";

export const DocumentQuery = graphql(`
  query DocumentPage($id: ID!) {
    node(id: $id) {
      ... on Document {
        id title number status urgency secrecy version formData allowedActions
        createdAt archivedAt
        initiator { id displayName }
        documentType { id name kind }
        formVersion { id jsonSchema uiSchema }
        flowVersion { id definition }
        currentNodes { id name }
        removableSigners { node { id name } users { id displayName } }
        tasks(open: true) {
          id nodeId nodeName pool allowedActions
          assignee { id displayName }
          candidates { id displayName }
          returnTargets { id name }
        }
        attachments(everyVersion: true) {
          id name size version contentType createdAt downloadUrl uploadedBy { id displayName }
        }
        timeline(first: 100) {
          edges {
            node { id seq action nodeName fromStatus toStatus comment at actor { id displayName } }
          }
        }
      }
    }
  }
`);

export const DocumentChanged = graphql(`
  subscription DocumentChanged($documentId: ID!) {
    documentChanged(documentId: $documentId) { id topic }
  }
`);

export const MarkRead = graphql(`
  mutation MarkCirculationRead($input: MarkCirculationReadInput!) {
    markCirculationRead(input: $input) { recipients { id status readAt } errors { code } }
  }
`);

export const Approve = graphql(`
  mutation Approve($input: ApproveTaskInput!) {
    approveTask(input: $input) { errors { code message field } }
  }
`);
export const Reject = graphql(`
  mutation Reject($input: RejectTaskInput!) {
    rejectTask(input: $input) { errors { code message field } }
  }
`);
export const Return = graphql(`
  mutation Return($input: ReturnTaskInput!) {
    returnTask(input: $input) { errors { code message field } }
  }
`);
export const Claim = graphql(`
  mutation Claim($input: ClaimTaskInput!) {
    claimTask(input: $input) { errors { code message field } }
  }
`);
export const Unclaim = graphql(`
  mutation Unclaim($input: UnclaimTaskInput!) {
    unclaimTask(input: $input) { errors { code message field } }
  }
`);
export const OpenTask = graphql(`
  mutation OpenTask($input: OpenTaskInput!) {
    openTask(input: $input) { errors { code message field } }
  }
`);
export const TakeBack = graphql(`
  mutation TakeBack($input: TakeBackTaskInput!) {
    takeBackTask(input: $input) { errors { code message field } }
  }
`);
export const Delegate = graphql(`
  mutation Delegate($input: DelegateTaskInput!) {
    delegateTask(input: $input) { errors { code message field } }
  }
`);
export const Transfer = graphql(`
  mutation Transfer($input: TransferTaskInput!) {
    transferTask(input: $input) { errors { code message field } }
  }
`);
export const AddSigners = graphql(`
  mutation AddSigners($input: AddSignersInput!) {
    addSigners(input: $input) { errors { code message field } }
  }
`);
export const Submit = graphql(`
  mutation Submit($input: SubmitDocumentInput!) {
    submitDocument(input: $input) { errors { code message field } }
  }
`);
export const UpdateDocument = graphql(`
  mutation UpdateDocument($input: UpdateDocumentInput!) {
    updateDocument(input: $input) { errors { code message field } }
  }
`);
export const Withdraw = graphql(`
  mutation Withdraw($input: WithdrawDocumentInput!) {
    withdrawDocument(input: $input) { errors { code message field } }
  }
`);
export const Urge = graphql(`
  mutation Urge($input: UrgeDocumentInput!) {
    urgeDocument(input: $input) { errors { code message field } }
  }
`);
export const Terminate = graphql(`
  mutation Terminate($input: TerminateDocumentInput!) {
    terminateDocument(input: $input) { errors { code message field } }
  }
`);
export const Archive = graphql(`
  mutation Archive($input: ArchiveDocumentInput!) {
    archiveDocument(input: $input) { errors { code message field } }
  }
`);
export const Upload = graphql(`
  mutation Upload($input: UploadAttachmentInput!) {
    uploadAttachment(input: $input) { errors { code message field } }
  }
`);
export const PeopleQuery = graphql(`
  query People { users(first: 100) { edges { node { id displayName username } } } }
`);
export const Jump = graphql(`
  mutation Jump($input: JumpDocumentInput!) {
    jumpDocument(input: $input) { errors { code message field } }
  }
`);
export const RemoveSigners = graphql(`
  mutation RemoveSigners($input: RemoveSignersInput!) {
    removeSigners(input: $input) { errors { code message field } }
  }
`);

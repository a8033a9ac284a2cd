import { graphql } from "../gql";

export const EditorQuery = graphql(`
  query PortalEditor {
    viewer { tenant { id code } permissions isPlatformAdmin }
    portalComponents(first: 100) {
      edges {
        node {
          id key name category standard latestVersion availability
          latest { id version description help settingsSchema }
          application { id status reason }
        }
      }
    }
    portalResources(first: 100) {
      edges { node { id key name kind availability application { id status reason } } }
    }
  }
`);

export const TenantLayoutQuery = graphql(`
  query PortalTenantLayout {
    portalTenantLayout {
      id number template
      placements { id column position title settings component { id key name } componentVersion { id version } resource { id key name kind endpointUrl } }
    }
    portalLayoutHistory(first: 20) {
      edges { node { id number template restoredFrom publishedByName publishedAt placements { id } } }
    }
  }
`);

export const RoleLayoutsQuery = graphql(`
  query PortalRoleLayouts {
    roles(first: 100) { edges { node { id code name } } }
    portalRoleLayouts {
      template priority version
      role { id code name }
      placements { id column position title settings component { id key name } componentVersion { id version } resource { id key name kind endpointUrl } }
    }
  }
`);

export const MyLayoutQuery = graphql(`
  query PortalMyLayout {
    myPortalLayout {
      template version
      placements { id column position title settings component { id key name } componentVersion { id version } resource { id key name kind endpointUrl } }
    }
  }
`);

export const ComponentVersionQuery = graphql(`
  query PortalComponentVersion($key: String!, $version: String!) {
    portalComponent(key: $key) { id version(version: $version) { id version help settingsSchema } }
  }
`);

export const ThemeQuery = graphql(`
  query PortalThemeSettings {
    portal { theme { primaryColor accentColor backgroundColor textColor logoUrl version } }
  }
`);

export const ApplicationsQuery = graphql(`
  query PortalServiceApplications {
    portalServiceApplications(first: 50) {
      edges {
        node {
          id kind status note applicantName reviewerName reason createdAt decidedAt
          tenant { id code name }
          component { id key name }
          resource { id key name }
          package { id code name }
        }
      }
    }
  }
`);

export const PortalQuery = graphql(`
  query PortalPage {
    portal {
      source layoutVersion template columns hiddenCount
      role { id name }
      theme { primaryColor accentColor backgroundColor textColor logoUrl version }
      placements {
        id column position title settings
        component { id key name }
        componentVersion { id version operation }
        resource { id key name kind endpointUrl }
      }
    }
  }
`);

export const Publish = graphql(`
  mutation PortalPublish($input: PublishPortalLayoutInput!) {
    publishPortalLayout(input: $input) { layoutVersion { id number } errors { code message field } }
  }
`);
export const Rollback = graphql(`
  mutation PortalRollback($input: RollbackPortalLayoutInput!) {
    rollbackPortalLayout(input: $input) { layoutVersion { id number restoredFrom } errors { code message field } }
  }
`);
export const SetRoleLayout = graphql(`
  mutation PortalSetRoleLayout($input: SetRolePortalLayoutInput!) {
    setRolePortalLayout(input: $input) { layout { version } errors { code message field } }
  }
`);
export const ClearRoleLayout = graphql(`
  mutation PortalClearRoleLayout($input: ClearRolePortalLayoutInput!) {
    clearRolePortalLayout(input: $input) { layout { version } errors { code message field } }
  }
`);
export const SetMyLayout = graphql(`
  mutation PortalSetMyLayout($input: SetMyPortalLayoutInput!) {
    setMyPortalLayout(input: $input) { layout { version } errors { code message field } }
  }
`);
export const ResetMyLayout = graphql(`
  mutation PortalResetMyLayout($input: ResetMyPortalLayoutInput!) {
    resetMyPortalLayout(input: $input) { layout { version } errors { code message field } }
  }
`);
export const SetTheme = graphql(`
  mutation PortalSetTheme($input: SetPortalThemeInput!) {
    setPortalTheme(input: $input) { theme { primaryColor accentColor backgroundColor textColor logoUrl version } errors { code message field } }
  }
`);
export const Apply = graphql(`
  mutation PortalApply($input: ApplyForPortalServiceInput!) {
    applyForPortalService(input: $input) { application { id status } errors { code message field } }
  }
`);
export const Review = graphql(`
  mutation PortalReview($input: ReviewPortalServiceApplicationInput!) {
    reviewPortalServiceApplication(input: $input) { application { id status reason } errors { code message field } }
  }
`);

type Outcome = { data?: unknown; error?: { message: string } };

/** A mutation's problems: its transport or GraphQL error, else its payload's `errors`. */
export function problemsOf(result: Outcome): { code?: string; message: string; field?: readonly string[] | null }[] {
  if (result.error) return [{ message: result.error.message }];
  const payload = Object.values((result.data ?? {}) as Record<string, { errors?: [] }>)[0];
  return payload?.errors ?? [];
}

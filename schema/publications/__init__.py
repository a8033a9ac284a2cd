"""Information publications (信息刊物) in GraphQL."""

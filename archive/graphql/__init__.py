"""The GraphQL API served at ``/graphql``."""

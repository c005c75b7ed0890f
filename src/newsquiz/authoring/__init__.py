"""Authoring tools: article import, drafts, branch maps, GIFT interop (no UI imports)."""

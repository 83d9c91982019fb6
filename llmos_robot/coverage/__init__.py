"""Moving through the house: inflated maps, A* paths and a pure-pursuit follower (coverage joins later)."""

class FeedNotFound(Exception):
    """Unknown, revoked, or not yours: the answer reveals nothing."""

class RuleError(Exception):
    """Something a member asked for is not possible; ``message`` says why, kindly."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class RateLimited(RuleError):
    """A member reached a rate limit: the page answers 429 and keeps what they wrote."""

    status = 429

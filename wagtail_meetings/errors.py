class RuleError(Exception):
    """Something a member asked for is not possible; ``message`` says why, kindly."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message

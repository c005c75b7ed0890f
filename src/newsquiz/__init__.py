"""newsquiz: playable, branching, source-grounded quizzes from news articles."""

__version__ = "0.1.0"

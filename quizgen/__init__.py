"""quizgen: media-literacy worksheets, answer keys and LMS quizzes from a checked bank."""

__version__ = "0.1.0"

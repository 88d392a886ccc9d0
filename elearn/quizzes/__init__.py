"""quizzes feature package."""

"""Courses, lessons and the learner flow."""

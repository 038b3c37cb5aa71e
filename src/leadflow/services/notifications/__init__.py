"""Notifications of users and the e-mail that carries them."""

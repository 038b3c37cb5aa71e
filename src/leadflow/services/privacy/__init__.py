"""GDPR and UWG: consent, objection and suppression, marketing permissions, a person's rights,
retention and the records of processing."""

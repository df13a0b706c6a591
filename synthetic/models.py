from django.db import models


class SyntheticEmail(models.Model):
    """An email to a synthetic account, kept here instead of being sent (synthetic.mail.divert_to_mailbox).

    Synthetic journeys read their email from it over HTTP (synthetic/views.py), as a
    person reads their inbox; the cleanup deletes it with the accounts.
    """

    to = models.EmailField(db_index=True)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.subject} to {self.to}"

"""Synthetic end-to-end journeys through the service's public HTTP interface (`manage.py run_journeys`)."""

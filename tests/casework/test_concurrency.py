"""Twenty caseworkers press "get next case" at the same moment, each on their own database connection."""

import datetime
import threading

from django.contrib.auth.models import Group
from django.db import connections
from django.utils import timezone

from accounts.models import User
from applications.models import Application, State
from casework.constants import Role
from casework.services import case_assign_next

CASEWORKERS = 20


def test_each_of_twenty_caseworkers_gets_a_different_case(committed_db, applicant):
    group = Group.objects.get(name=Role.CASEWORKER)
    caseworkers = []
    for number in range(CASEWORKERS):
        user = User.objects.create_user(email=f"cw{number}@example.com", password=None)
        user.groups.add(group)
        caseworkers.append(user)
    today = timezone.localdate()
    waiting = Application.objects.bulk_create(
        Application(applicant=applicant, route="visitor", state=State.READY_FOR_CASEWORK, reference=f"TEST-{number:04d}-0000",
                    submitted_at=timezone.now(), due_on=today + datetime.timedelta(days=number))
        for number in range(CASEWORKERS + 5)
    )
    barrier = threading.Barrier(CASEWORKERS)
    results: dict[int, object] = {}

    def press(user):
        try:
            barrier.wait()
            results[user.id] = case_assign_next(user=User.objects.get(id=user.id))
        except Exception as error:  # reported below, with the others
            results[user.id] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=press, args=(user,)) for user in caseworkers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    errors = [result for result in results.values() if isinstance(result, Exception)]
    assert not errors, errors
    taken = [result.id for result in results.values()]
    assert len(taken) == CASEWORKERS and len(set(taken)) == CASEWORKERS
    # The twenty due soonest went, and each to the caseworker who got it.
    assert set(taken) == {application.id for application in waiting[:CASEWORKERS]}
    for user_id, application in results.items():
        application.refresh_from_db()
        assert (application.state, application.assigned_to_id) == (State.IN_REVIEW, user_id)
    # On PostgreSQL each transaction locked its row with SKIP LOCKED; on SQLite they
    # took turns at the database's write lock. Either way, no case went to two people.
    assert Application.objects.filter(state=State.READY_FOR_CASEWORK).count() == 5

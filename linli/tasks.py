"""Django's task framework, from the django-tasks backport until Django 6 ships it.

Apps import ``task`` from here, so moving to ``django.tasks`` is a one-line change.
"""

try:  # Django 6.0+
    from django.tasks import task, task_backends  # type: ignore[import-not-found]
except ImportError:  # Django 5.2: the backport
    from django_tasks import task, task_backends

__all__ = ["task", "task_backends"]

from django.db import migrations

# As the roles were when this migration was written (see casework 0002).
PERMISSIONS = {
    "Senior caseworker": ["check_automated_decisions"],
    "Team leader": ["check_automated_decisions", "manage_watch_list"],
}


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*Permission.objects.filter(content_type__app_label="automation", codename__in=codenames))


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=PERMISSIONS):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="automation"))


class Migration(migrations.Migration):
    dependencies = [
        ("automation", "0001_initial"),
        ("casework", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]

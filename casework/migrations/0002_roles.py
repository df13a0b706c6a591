from django.db import migrations

# The roles as they were when this migration was written: migrations must not
# change meaning when the code moves on.
ROLES = {
    "Caseworker": ["view_cases", "work_cases", "decide_application"],
    "Senior caseworker": ["view_cases", "work_cases", "decide_application", "confirm_identity_override", "confirm_refusal"],
    "Team leader": ["view_cases", "work_cases", "manage_casework"],
    "Auditor": ["view_cases"],
}


def create_roles(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; this one needs them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(Permission.objects.filter(content_type__app_label="applications", codename__in=codenames))


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0001_initial"),
        ("applications", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]

from django.db import migrations

# As when this migration was written: migrations must not change meaning when the code moves on.
PERMISSION = "view_management_information"
EXISTING_ROLES = ["Team leader", "Auditor"]
ANALYST = "Performance analyst"


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; this one needs its own now.
    app_config = apps.get_app_config("management_information")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    permission = apps.get_model("auth", "Permission").objects.get(content_type__app_label="management_information", codename=PERMISSION)
    Group.objects.get_or_create(name=ANALYST)
    for group in Group.objects.filter(name__in=[*EXISTING_ROLES, ANALYST]):
        group.permissions.add(permission)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name=ANALYST).delete()
    for group in Group.objects.filter(name__in=EXISTING_ROLES):
        group.permissions.remove(*group.permissions.filter(codename=PERMISSION))


class Migration(migrations.Migration):
    dependencies = [
        ("management_information", "0001_initial"),
        ("casework", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]

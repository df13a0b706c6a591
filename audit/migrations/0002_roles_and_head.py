from django.db import migrations

# Permissions as they were when this migration was written.
ROLE_PERMISSIONS = {
    "Auditor": ["view_access_report"],
    "Team leader": ["produce_subject_access"],
}


def forward(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*Permission.objects.filter(content_type__app_label="audit", codename__in=codenames))
    apps.get_model("audit", "AccessLogHead").objects.get_or_create(id=1)


def backward(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLE_PERMISSIONS.items():
        group = apps.get_model("auth", "Group").objects.filter(name=name).first()
        if group:
            group.permissions.remove(*Permission.objects.filter(content_type__app_label="audit", codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial"), ("casework", "0002_roles")]

    operations = [migrations.RunPython(forward, backward)]

"""Share codes are kept as keyed hashes; codes already issued keep working."""

from django.conf import settings
from django.db import migrations, models
from django.utils.crypto import salted_hmac


def hash_existing_codes(apps, schema_editor):
    # As casework.share_codes.code_hash computes it today, written out so that this
    # migration keeps its meaning when that code moves on.
    def code_hash(code: str) -> str:
        return salted_hmac("casework.share-code", code, secret=settings.SHARE_CODE_KEY, algorithm="sha256").hexdigest()

    ShareCode = apps.get_model("casework", "ShareCode")
    for share_code in ShareCode.objects.all():
        share_code.code_hash = code_hash(share_code.code)
        share_code.ending = share_code.code[-3:]
        share_code.save(update_fields=["code_hash", "ending"])


class Migration(migrations.Migration):
    dependencies = [("casework", "0002_roles")]

    operations = [
        migrations.AddField(model_name="sharecode", name="code_hash", field=models.CharField(max_length=64, null=True)),
        migrations.AddField(model_name="sharecode", name="ending", field=models.CharField(default="", max_length=3), preserve_default=False),
        migrations.RunPython(hash_existing_codes, migrations.RunPython.noop),
        migrations.RemoveField(model_name="sharecode", name="code"),
        migrations.AlterField(model_name="sharecode", name="code_hash", field=models.CharField(max_length=64, unique=True)),
        migrations.AlterField(
            model_name="sharecodecheck",
            name="outcome",
            field=models.CharField(
                choices=[
                    ("shown", "Status shown"), ("wrong_dob", "Wrong date of birth"), ("expired", "Code expired"),
                    ("revoked", "Code revoked"), ("not_found", "No such code"), ("locked", "Code locked after failed attempts"),
                    ("rate_limited", "Refused: too many checks from one place"),
                ],
                max_length=16,
            ),
        ),
    ]

"""An enterprise is inactive exactly when it has a "no longer followed from" date, and that
date is never before the one it was followed from (0009 filled both in)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("enterprises", "0009_follow_dates_of_existing_enterprises"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='enterprise',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('is_active', True), ('stopped_from', None)), models.Q(('is_active', False), ('stopped_from__isnull', False)), _connector='OR'), name='enterprise_inactive_exactly_when_stopped'),
        ),
        migrations.AddConstraint(
            model_name='enterprise',
            constraint=models.CheckConstraint(condition=models.Q(('stopped_from', None), ('followed_from__lte', models.F('stopped_from')), _connector='OR'), name='enterprise_followed_before_stopped'),
        ),
    ]

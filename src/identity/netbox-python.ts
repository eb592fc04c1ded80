/**
 * The Python the user tasks run in NetBox's Django shell (`manage.py shell`), fed on stdin.
 *
 * It has to work on every NetBox in the release table (3.0 to 4.7): the user model comes from
 * `get_user_model()` (Django's auth.User before NetBox 4.0, users.User after), the token model from
 * `users.models` (a module before 4.0, a package after, both export Token), sessions from
 * django.contrib.sessions (the database backend unless SESSION_FILE_PATH is set). No f-strings
 * with nested quotes, no walrus, no `timezone.utc` (gone in Django 5): plain Python 3.8.
 *
 * Every line it prints starts with a record kind and is tab-separated, so the shell script can
 * parse it and ignore anything else Django prints.
 */

/**
 * The one-liner `manage.py shell -c` runs: it executes the program on stdin in globals of its own
 * (Django versions differ in the namespace they give `-c`, and functions must see the program's names).
 */
export const PYTHON_FROM_STDIN = "import sys; exec(sys.stdin.read(), {'__name__': 'nbp'})";

const PRELUDE = [
  'from django.conf import settings',
  'from django.contrib.auth import get_user_model',
  'from django.contrib.sessions.models import Session',
  'from django.db import transaction',
  'from django.utils import timezone',
  'from users.models import Token',
  '',
  'User = get_user_model()',
  "DB_SESSIONS = settings.SESSION_ENGINE == 'django.contrib.sessions.backends.db'",
  '',
  '',
  'def out(*fields):',
  "    print('\\t'.join(str(f).replace('\\t', ' ').replace('\\n', ' ') for f in fields))",
  '',
  '',
  'def end_sessions(user):',
  '    """Deletes the user\'s unexpired database sessions; returns how many, or None without database sessions."""',
  '    if not DB_SESSIONS:',
  '        return None',
  '    ended = 0',
  '    for session in Session.objects.filter(expire_date__gte=timezone.now()).iterator():',
  "        if session.get_decoded().get('_auth_user_id') == str(user.pk):",
  '            session.delete()',
  '            ended += 1',
  '    return ended',
  '',
  '',
];

/** `users`: one USER record per NetBox user, then a NOW record. */
export function usersPython(): string[] {
  return [
    ...PRELUDE,
    'now = timezone.now()',
    'tokens = {}',
    "for user_id in Token.objects.values_list('user_id', flat=True):",
    '    tokens[user_id] = tokens.get(user_id, 0) + 1',
    "for user in User.objects.order_by('username'):",
    '    last = user.last_login',
    "    out('USER', user.username, int(user.is_active), int(user.is_superuser),",
    "        last.strftime('%Y-%m-%d %H:%M') if last else 'never', (now - last).days if last else -1, tokens.get(user.pk, 0))",
    "out('NOW', now.strftime('%Y-%m-%d %H:%M %Z'))",
    '',
  ];
}

/**
 * `offboard`: the user named by NBP_USER is deactivated and loses superuser and staff, their API
 * tokens are deleted and their sessions ended, in one transaction. An unknown name changes nothing
 * and answers NOUSER with similar names.
 */
export function offboardPython(): string[] {
  return [
    'import os',
    ...PRELUDE,
    "name = os.environ['NBP_USER']",
    'user = User.objects.filter(username=name).first()',
    'if user is None:',
    "    local = name.split('@')[0]",
    "    similar = User.objects.filter(username__icontains=local).order_by('username').values_list('username', flat=True)[:5]",
    "    out('NOUSER', name, ', '.join(similar))",
    'else:',
    '    with transaction.atomic():',
    "        out('USER', user.username, int(user.is_active), int(user.is_superuser))",
    // NetBox 4.5 dropped is_staff from its user model; clear only the flags the model has.
    '        fields = set(f.name for f in User._meta.get_fields())',
    "        flags = [f for f in ('is_active', 'is_superuser', 'is_staff') if f in fields]",
    '        for flag in flags:',
    '            setattr(user, flag, False)',
    '        user.save(update_fields=flags)',
    "        for token in Token.objects.filter(user=user).order_by('pk'):",
    "            last_used = getattr(token, 'last_used', None)",
    "            out('TOKEN', token.pk, getattr(token, 'description', '') or '-', last_used.strftime('%Y-%m-%d') if last_used else 'never')",
    '        Token.objects.filter(user=user).delete()',
    '        ended = end_sessions(user)',
    '    if ended is None:',
    "        out('SESSIONS', 'n/a', settings.SESSION_ENGINE)",
    '    else:',
    "        out('SESSIONS', ended)",
    "    out('DONE', user.username)",
    '',
  ];
}

/**
 * `break-glass` open: creates the one-time superuser NAME with PASSWORD (both set in lines the
 * script prepends; letters, digits and dashes only). Refuses a name that exists.
 */
export function breakGlassCreatePython(): string[] {
  return [
    ...PRELUDE,
    'if User.objects.filter(username=NAME).exists():',
    "    out('EXISTS', NAME)",
    'else:',
    "    User.objects.create_superuser(username=NAME, email='', password=PASSWORD)",
    "    out('CREATED', NAME)",
    '',
  ];
}

/** `break-glass` close: deletes the one-time superuser NAME, its tokens and sessions. */
export function breakGlassDeletePython(): string[] {
  return [
    ...PRELUDE,
    'user = User.objects.filter(username=NAME).first()',
    'if user is None:',
    "    out('GONE', NAME)",
    'else:',
    '    with transaction.atomic():',
    '        end_sessions(user)',
    '        Token.objects.filter(user=user).delete()',
    '        user.delete()',
    "    out('DELETED', NAME)",
    '',
  ];
}

// Blocking calls in Python code that runs on an event loop. Sources: Ruff flake8-async
// (ASYNC2xx), flake8-async, cbornet/blockbuster and the drivers' own documentation.
import type { CatalogEntry, ReturnTypes } from './types';

const TO_THREAD = 'await asyncio.to_thread(fn, *args)';
const HTTPX =
  'httpx.AsyncClient: `async with httpx.AsyncClient() as client: r = await client.get(url)` (or aiohttp.ClientSession)';
const SUBPROCESS = 'await asyncio.create_subprocess_exec(...) then await proc.communicate()';
const FILES = 'anyio.Path / aiofiles, or await asyncio.to_thread(...)';

// Django QuerySet methods that run a query (terminal) and the lazy ones that only build one.
const DJANGO_TERMINAL = [
  'get',
  'create',
  'first',
  'last',
  'count',
  'exists',
  'update',
  'delete',
  'get_or_create',
  'update_or_create',
  'bulk_create',
  'bulk_update',
  'aggregate',
  'earliest',
  'latest',
  'in_bulk',
  'iterator',
  'explain',
  'contains',
];
const DJANGO_LAZY = [
  'filter',
  'exclude',
  'all',
  'order_by',
  'select_related',
  'prefetch_related',
  'values',
  'values_list',
  'annotate',
  'alias',
  'distinct',
  'only',
  'defer',
  'using',
  'none',
  'reverse',
  'select_for_update',
  'extra',
  'union',
  'intersection',
  'difference',
  'dates',
  'datetimes',
  'complex_filter',
];
const DJANGO_ROWS = ['get', 'first', 'last', 'earliest', 'latest', 'create'];
const DJANGO = {
  kind: 'db' as const,
  severity: 'H' as const,
  replacement:
    'the async ORM: `await Model.objects.aget(...)` (acreate, afirst, acount, `async for` over a QuerySet, …), or sync_to_async',
  source: 'Django docs topics/async',
};

/** boto3 client members that make no request: presigning is local signing, the others build local objects. */
const BOTO3_LOCAL = [
  'generate_presigned_url',
  'generate_presigned_post',
  'generate_db_auth_token',
  'get_paginator',
  'get_waiter',
  'can_paginate',
  'close',
  'meta',
  'exceptions',
];

const HTTP_VERBS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'connect', 'trace', 'request'];
const each = (prefix: string, names: string[], rest: Omit<CatalogEntry, 'pattern'>): CatalogEntry[] =>
  names.map((n) => ({ pattern: `${prefix}${n}`, ...rest }));

// Ruff ASYNC240: pure os.path / pathlib names that never touch the disk.
const PURE_PATH = [
  'ALLOW_MISSING',
  'altsep',
  'anchor',
  'as_posix',
  'as_uri',
  'basename',
  'commonpath',
  'commonprefix',
  'curdir',
  'defpath',
  'devnull',
  'dirname',
  'drive',
  'expandvars',
  'extsep',
  'genericpath',
  'is_absolute',
  'is_relative_to',
  'is_reserved',
  'isabs',
  'join',
  'joinpath',
  'match',
  'name',
  'normcase',
  'os',
  'open',
  'pardir',
  'parent',
  'parents',
  'parts',
  'pathsep',
  'relative_to',
  'root',
  'samestat',
  'sep',
  'split',
  'splitdrive',
  'splitext',
  'splitroot',
  'stem',
  'suffix',
  'suffixes',
  'supports_unicode_filenames',
  'sys',
  'with_name',
  'with_segments',
  'with_stem',
  'with_suffix',
];

export const PYTHON_CATALOG: CatalogEntry[] = [
  // ASYNC251, ASYNC250
  {
    pattern: 'time.sleep',
    kind: 'sleep',
    severity: 'H',
    replacement: 'await asyncio.sleep(seconds)',
    fix: 'asyncio-sleep',
    source: 'Ruff ASYNC251',
  },
  { pattern: 'input', kind: 'input', severity: 'H', replacement: TO_THREAD, source: 'Ruff ASYNC250' },
  { pattern: 'builtins.input', kind: 'input', severity: 'H', replacement: TO_THREAD, source: 'Ruff ASYNC250' },
  // ASYNC210 / ASYNC212 and sessions nobody else tracks
  ...each('requests.', HTTP_VERBS, { kind: 'http', severity: 'H', replacement: HTTPX, source: 'Ruff ASYNC210' }),
  ...each('httpx.', HTTP_VERBS.concat('stream'), {
    kind: 'http',
    severity: 'H',
    replacement: HTTPX,
    source: 'Ruff ASYNC210',
  }),
  { pattern: 'urllib.request.urlopen', kind: 'http', severity: 'H', replacement: HTTPX, source: 'Ruff ASYNC210' },
  { pattern: 'urllib3.request', kind: 'http', severity: 'H', replacement: HTTPX, source: 'Ruff ASYNC210' },
  ...each(
    'httpx.Client#',
    ['close', 'delete', 'get', 'head', 'options', 'patch', 'post', 'put', 'request', 'send', 'stream'],
    { kind: 'http', severity: 'H', replacement: HTTPX, source: 'Ruff ASYNC212' },
  ),
  ...each('requests.Session#', HTTP_VERBS.concat('send'), {
    kind: 'http',
    severity: 'H',
    replacement: HTTPX,
    source: 'catalog (requests.Session; not in Ruff)',
  }),
  {
    pattern: 'urllib3.PoolManager#*',
    kind: 'http',
    severity: 'H',
    replacement: HTTPX,
    source: 'flake8-async ASYNC212',
  },
  {
    pattern: 'http.client.HTTPConnection#*',
    kind: 'http',
    severity: 'H',
    replacement: HTTPX,
    except: ['set_debuglevel'],
    source: 'Home Assistant block_async_io',
  },
  // The constructor connects when given a host (`SMTP()` alone does not)
  ...['smtplib.SMTP', 'smtplib.SMTP_SSL', 'smtplib.LMTP'].map((pattern): CatalogEntry => ({
    pattern,
    minArgs: 1,
    kind: 'http',
    severity: 'H',
    replacement: 'aiosmtplib, or ' + TO_THREAD,
    source: 'Python docs smtplib (connect() in __init__ when host is given)',
  })),
  {
    pattern: 'smtplib.SMTP#*',
    kind: 'http',
    severity: 'H',
    replacement: 'aiosmtplib, or ' + TO_THREAD,
    source: 'catalog',
  },
  // boto3: every client API method is an HTTPS call to AWS. Presigning, paginators and waiters are made locally.
  // The stubs' client types are in `<pkg>.client` and re-exported at the package's top (`mypy_boto3_s3.S3Client`).
  ...['botocore.client.BaseClient#*', 'mypy_boto3_*.*Client#*', 'types_boto3_*.*Client#*'].map(
    (pattern): CatalogEntry => ({
      pattern,
      except: BOTO3_LOCAL,
      kind: 'http',
      severity: 'H',
      replacement: 'aioboto3 / aiobotocore, or ' + TO_THREAD,
      source: 'catalog (boto3: client methods call the AWS API)',
    }),
  ),
  // DNS and sockets
  ...each(
    'socket.',
    ['gethostbyname', 'gethostbyname_ex', 'gethostbyaddr', 'getaddrinfo', 'getfqdn', 'create_connection'],
    {
      kind: 'dns',
      severity: 'H',
      replacement: 'await loop.getaddrinfo(...) / asyncio.open_connection(...)',
      source: 'catalog (DNS)',
    },
  ),
  ...each(
    'socket.socket#',
    ['connect', 'accept', 'send', 'sendall', 'sendto', 'recv', 'recv_into', 'recvfrom', 'recvfrom_into', 'recvmsg'],
    {
      kind: 'socket',
      severity: 'H',
      replacement: 'asyncio streams (asyncio.open_connection) or loop.sock_* methods',
      source: 'blockbuster',
    },
  ),
  // ASYNC220 / 221 / 222
  { pattern: 'subprocess.Popen', kind: 'subprocess', severity: 'H', replacement: SUBPROCESS, source: 'Ruff ASYNC220' },
  { pattern: 'os.popen', kind: 'subprocess', severity: 'H', replacement: SUBPROCESS, source: 'Ruff ASYNC220' },
  ...each('subprocess.', ['run', 'call', 'check_call', 'check_output', 'getoutput', 'getstatusoutput'], {
    kind: 'subprocess',
    severity: 'H',
    replacement: SUBPROCESS,
    source: 'Ruff ASYNC221',
  }),
  ...each('os.', ['system', 'posix_spawn', 'posix_spawnp'], {
    kind: 'subprocess',
    severity: 'H',
    replacement: SUBPROCESS,
    source: 'Ruff ASYNC221',
  }),
  {
    pattern: 'os.spawn*',
    kind: 'subprocess',
    severity: 'H',
    replacement: SUBPROCESS,
    source: 'Ruff ASYNC220/ASYNC221',
  },
  ...each('os.', ['wait', 'wait3', 'wait4', 'waitid', 'waitpid'], {
    kind: 'subprocess',
    severity: 'H',
    replacement: TO_THREAD,
    source: 'Ruff ASYNC222',
  }),
  ...each('subprocess.Popen#', ['wait', 'communicate'], {
    kind: 'subprocess',
    severity: 'H',
    replacement: SUBPROCESS,
    source: 'catalog',
  }),
  // ASYNC230 / 240
  ...['open', 'builtins.open', 'io.open', 'io.open_code', 'pathlib.Path#open', 'os.fdopen'].map(
    (pattern): CatalogEntry => ({
      pattern,
      kind: 'file',
      severity: 'M',
      replacement: 'async with aiofiles.open(...) / await anyio.open_file(...)',
      source: 'Ruff ASYNC230',
    }),
  ),
  { pattern: 'os.path.*', except: PURE_PATH, kind: 'file', severity: 'M', replacement: FILES, source: 'Ruff ASYNC240' },
  {
    pattern: 'pathlib.Path#*',
    except: PURE_PATH,
    kind: 'file',
    severity: 'M',
    replacement: FILES,
    source: 'Ruff ASYNC240',
  },
  ...each(
    'os.',
    [
      'stat',
      'listdir',
      'scandir',
      'walk',
      'remove',
      'unlink',
      'rename',
      'replace',
      'mkdir',
      'makedirs',
      'rmdir',
      'readlink',
      'access',
      'statvfs',
      'sendfile',
    ],
    { kind: 'file', severity: 'M', replacement: FILES, source: 'blockbuster / Home Assistant' },
  ),
  ...each('glob.', ['glob', 'iglob'], { kind: 'file', severity: 'M', replacement: FILES, source: 'Home Assistant' }),
  ...each('shutil.', ['copy', 'copy2', 'copyfile', 'copytree', 'move', 'rmtree', 'make_archive', 'unpack_archive'], {
    kind: 'file',
    severity: 'M',
    replacement: TO_THREAD,
    source: 'catalog',
  }),
  // Database drivers
  {
    pattern: 'sqlite3.connect',
    kind: 'db',
    severity: 'M',
    replacement: 'aiosqlite, or a plain `def` endpoint',
    source: 'blockbuster',
  },
  ...each('sqlite3.Connection#', ['execute', 'executemany', 'executescript', 'commit', 'rollback'], {
    kind: 'db',
    severity: 'M',
    replacement: 'aiosqlite, or a plain `def` endpoint',
    source: 'blockbuster',
  }),
  ...each('sqlite3.Cursor#', ['execute', 'executemany', 'executescript', 'fetchone', 'fetchmany', 'fetchall'], {
    kind: 'db',
    severity: 'M',
    replacement: 'aiosqlite, or a plain `def` endpoint',
    source: 'blockbuster',
  }),
  ...['psycopg2', 'pymysql', 'MySQLdb', 'mysql.connector'].flatMap((drv): CatalogEntry[] => {
    const rest = {
      kind: 'db' as const,
      severity: 'H' as const,
      replacement: drv === 'psycopg2' ? 'asyncpg or psycopg 3 AsyncConnection' : 'aiomysql / asyncmy',
      source: `catalog (${drv})`,
    };
    return [
      { pattern: `${drv}.connect`, ...rest },
      ...each(`${drv}.Connection#`, ['commit', 'rollback'], rest),
      ...each(`${drv}.Cursor#`, ['execute', 'executemany', 'fetchone', 'fetchmany', 'fetchall', 'callproc'], rest),
    ];
  }),
  {
    pattern: 'pymongo.MongoClient#*',
    except: ['close'],
    kind: 'db',
    severity: 'H',
    replacement: 'pymongo.AsyncMongoClient',
    source: 'catalog (PyMongo)',
  },
  {
    pattern: 'redis.Redis#*',
    except: ['pipeline', 'close'],
    kind: 'db',
    severity: 'H',
    replacement: 'redis.asyncio.Redis',
    source: 'catalog (redis-py)',
  },
  ...each(
    'sqlalchemy.orm.Session#',
    ['execute', 'exec', 'query', 'commit', 'scalars', 'scalar', 'get', 'flush', 'refresh', 'merge', 'rollback'],
    {
      kind: 'db',
      severity: 'H',
      replacement: 'create_async_engine + AsyncSession (`await session.execute(...)`), or a plain `def` endpoint',
      source: 'catalog (SQLAlchemy)',
    },
  ),
  ...each('sqlalchemy.Engine#', ['connect', 'begin', 'execute'], {
    kind: 'db',
    severity: 'H',
    replacement: 'create_async_engine',
    source: 'catalog (SQLAlchemy)',
  }),
  ...each('sqlalchemy.Connection#', ['execute', 'commit'], {
    kind: 'db',
    severity: 'H',
    replacement: 'create_async_engine',
    source: 'catalog (SQLAlchemy)',
  }),
  // Django's sync ORM in an async view (raises SynchronousOnlyOperation at runtime); lazy
  // QuerySet builders (filter, exclude, all) do not touch the database and are not listed.
  ...each('*.objects.', DJANGO_TERMINAL, DJANGO),
  // A chain from a manager (`Model.objects.filter(...).first()`) and iterating it (`for b in qs`, `list(qs)`)
  ...each('django.db.models.QuerySet#', [...DJANGO_TERMINAL, '__iter__'], DJANGO),
  ...each('django.db.models.Model#', ['save', 'delete', 'refresh_from_db'], {
    ...DJANGO,
    replacement: 'the async ORM: `await obj.asave()` (adelete, arefresh_from_db), or sync_to_async',
  }),
  // CPU-heavy: no async form, offload
  ...[
    'bcrypt.hashpw',
    'bcrypt.checkpw',
    'bcrypt.kdf',
    'hashlib.pbkdf2_hmac',
    'hashlib.scrypt',
    'passlib.context.CryptContext#hash',
    'passlib.context.CryptContext#verify',
    'argon2.PasswordHasher#hash',
    'argon2.PasswordHasher#verify',
  ].map((pattern): CatalogEntry => ({
    pattern,
    kind: 'cpu',
    severity: 'C',
    replacement: TO_THREAD,
    source: 'catalog (CPU-bound)',
  })),
  // Images: Pillow decodes and encodes on the calling thread, reading or writing the file too
  ...['PIL.Image.open', 'PIL.Image.Image#save', 'PIL.Image.Image#load'].map((pattern): CatalogEntry => ({
    pattern,
    kind: 'image',
    severity: 'C',
    replacement: TO_THREAD,
    source: 'catalog (Pillow)',
  })),
  // HDF5: h5py opens and reads files with blocking C calls
  { pattern: 'h5py.File', kind: 'file', severity: 'M', replacement: TO_THREAD, source: 'catalog (h5py)' },
  // Model inference: CPU-bound for as long as the model computes (EP104, its own rule)
  ...[
    'torch.nn.*#',
    'torch.nn.*#forward',
    'torch.nn.*#generate',
    'transformers.Pipeline#',
    'transformers.Pipeline#__call__',
    'transformers.PreTrainedModel#',
    'transformers.PreTrainedModel#generate',
    'sentence_transformers.SentenceTransformer#encode',
    'sklearn.*#predict',
    'sklearn.*#predict_proba',
    'sklearn.*#predict_log_proba',
    'sklearn.*#decision_function',
    'sklearn.*#transform',
    'sklearn.*#fit',
    'sklearn.*#fit_predict',
    'sklearn.*#fit_transform',
  ].map((pattern): CatalogEntry => ({
    pattern,
    kind: 'inference',
    severity: 'C',
    replacement: `${TO_THREAD}, a process pool, or a \`def\` endpoint (FastAPI runs it in the threadpool)`,
    source: 'catalog (model inference; research: blocking-calls-catalog.md §7)',
  })),
  ...[
    'pandas.read_csv',
    'pandas.read_excel',
    'pandas.read_parquet',
    'openpyxl.load_workbook',
    'openpyxl.Workbook#save',
  ].map((pattern): CatalogEntry => ({
    pattern,
    kind: 'file',
    severity: 'C',
    replacement: TO_THREAD + ' (or a process pool)',
    source: 'catalog',
  })),
];

export const PYTHON_RETURNS: ReturnTypes = {
  'openpyxl.load_workbook': 'openpyxl.Workbook',
  'openpyxl.Workbook': 'openpyxl.Workbook',
  'requests.Session': 'requests.Session',
  'requests.session': 'requests.Session',
  'requests.sessions.Session': 'requests.Session',
  'httpx.Client': 'httpx.Client',
  'urllib3.PoolManager': 'urllib3.PoolManager',
  'urllib3.ProxyManager': 'urllib3.PoolManager',
  'http.client.HTTPConnection': 'http.client.HTTPConnection',
  'http.client.HTTPSConnection': 'http.client.HTTPConnection',
  'boto3.client': 'botocore.client.BaseClient',
  'boto3.session.Session': 'boto3.session.Session',
  'boto3.Session': 'boto3.session.Session',
  'boto3.session.Session#client': 'botocore.client.BaseClient',
  'smtplib.SMTP': 'smtplib.SMTP',
  'smtplib.SMTP_SSL': 'smtplib.SMTP',
  'socket.socket': 'socket.socket',
  'socket.create_connection': 'socket.socket',
  'subprocess.Popen': 'subprocess.Popen',
  'pathlib.Path': 'pathlib.Path',
  'pathlib.PosixPath': 'pathlib.Path',
  'pathlib.WindowsPath': 'pathlib.Path',
  // Pure operations that give a path again: what is called on it next may touch the disk
  ...Object.fromEntries(
    ['with_suffix', 'with_name', 'with_stem', 'joinpath', 'relative_to', 'absolute', 'resolve', 'expanduser'].map(
      (m) => [`pathlib.Path#${m}`, 'pathlib.Path'],
    ),
  ),
  'pathlib.Path.home': 'pathlib.Path',
  'pathlib.Path.cwd': 'pathlib.Path',
  'PIL.Image.open': 'PIL.Image.Image',
  'PIL.Image.new': 'PIL.Image.Image',
  'PIL.Image.Image#convert': 'PIL.Image.Image',
  'PIL.Image.Image#resize': 'PIL.Image.Image',
  'PIL.Image.Image#copy': 'PIL.Image.Image',
  'h5py.File': 'h5py.File',
  'transformers.pipeline': 'transformers.Pipeline',
  'transformers.AutoModel.from_pretrained': 'transformers.PreTrainedModel',
  'transformers.AutoModelForCausalLM.from_pretrained': 'transformers.PreTrainedModel',
  'transformers.AutoModelForSequenceClassification.from_pretrained': 'transformers.PreTrainedModel',
  'transformers.AutoModelForSeq2SeqLM.from_pretrained': 'transformers.PreTrainedModel',
  'sentence_transformers.SentenceTransformer': 'sentence_transformers.SentenceTransformer',
  'torch.load': 'torch.nn.Module',
  'torch.jit.load': 'torch.nn.Module',
  'sqlite3.connect': 'sqlite3.Connection',
  'sqlite3.Connection#cursor': 'sqlite3.Cursor',
  'sqlite3.Connection': 'sqlite3.Connection',
  'psycopg2.connect': 'psycopg2.Connection',
  'psycopg2.Connection#cursor': 'psycopg2.Cursor',
  'pymysql.connect': 'pymysql.Connection',
  'pymysql.Connection#cursor': 'pymysql.Cursor',
  'MySQLdb.connect': 'MySQLdb.Connection',
  'MySQLdb.Connection#cursor': 'MySQLdb.Cursor',
  'mysql.connector.connect': 'mysql.connector.Connection',
  'mysql.connector.Connection#cursor': 'mysql.connector.Cursor',
  'pymongo.MongoClient': 'pymongo.MongoClient',
  'redis.Redis': 'redis.Redis',
  'redis.StrictRedis': 'redis.Redis',
  'redis.from_url': 'redis.Redis',
  'redis.Redis.from_url': 'redis.Redis',
  'sqlalchemy.create_engine': 'sqlalchemy.Engine',
  'sqlalchemy.engine.Engine': 'sqlalchemy.Engine',
  'sqlalchemy.Engine': 'sqlalchemy.Engine',
  'sqlalchemy.Engine#connect': 'sqlalchemy.Connection',
  'sqlalchemy.Engine#begin': 'sqlalchemy.Connection',
  'sqlalchemy.orm.Session': 'sqlalchemy.orm.Session',
  'sqlmodel.Session': 'sqlalchemy.orm.Session',
  'sqlalchemy.orm.sessionmaker': 'sqlalchemy.orm.sessionmaker',
  'sqlalchemy.orm.sessionmaker#': 'sqlalchemy.orm.Session',
  'passlib.context.CryptContext': 'passlib.context.CryptContext',
  'argon2.PasswordHasher': 'argon2.PasswordHasher',
  ...Object.fromEntries(
    DJANGO_LAZY.flatMap((m) => [
      [`*.objects.${m}`, 'django.db.models.QuerySet'],
      [`django.db.models.QuerySet#${m}`, 'django.db.models.QuerySet'],
    ]),
  ),
  ...Object.fromEntries(
    DJANGO_ROWS.flatMap((m) => [
      [`*.objects.${m}`, 'django.db.models.Model'],
      [`django.db.models.QuerySet#${m}`, 'django.db.models.Model'],
    ]),
  ),
};

/**
 * Calls that run a function elsewhere (a thread or the threadpool): references passed to them are
 * not calls, and a lambda passed to them does not run on the loop. Starlette's BackgroundTasks
 * run sync callables in the threadpool; executors' submit and threading.Thread/Timer in threads.
 */
export const PYTHON_OFFLOADERS = [
  'asyncio.to_thread',
  '*#run_in_executor',
  '*.run_in_executor',
  'starlette.concurrency.run_in_threadpool',
  'fastapi.concurrency.run_in_threadpool',
  'anyio.to_thread.run_sync',
  'asgiref.sync.sync_to_async',
  'quart.utils.run_sync',
  '*.run_sync',
  'threading.Thread',
  'threading.Timer',
  '*#submit',
  '*.submit',
  '*#add_task',
  '*.add_task',
];

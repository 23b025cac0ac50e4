# kernel/hub/jupyterhub_config.py — JupyterHub (Debian's 3.0) serving the
# rlcontrol lessons to a class on one machine. kernel/hub/hub.sh starts the
# hub with it (after kernel/hub/setup.sh); read by JupyterHub, not run alone.
#
# Who: students are Linux accounts in the group rlcontrol-students
# (kernel/hub/add-students makes them, with random passwords), logging in with
# their password (PAM). Nobody else can log in: not root, not other accounts.
# HUB_ADMINS (comma-separated) names teachers who may log in too and see the
# admin page; they must be in the group as well.
#
# What each student gets: their own single-user Notebook server, started as
# their own Linux user (the local-process spawner), with
#   ~/lessons/     their own copy of every lesson, made at their first start;
#                  a lesson added later is copied in at the next start, and a
#                  copy they edited is never overwritten;
#   ~/.cache/go-build  a copy of the warm Go build cache (kernel/hub/setup.sh),
#                  so their first cell compiles in seconds;
#   the gonb kernel from the hub's shared kernelspec (JUPYTER_PATH), offline.
# Their home is theirs alone (mode 700): one student's kernel cannot read
# another's notebooks, and one student's browser cannot reach another's
# server (JupyterHub's OAuth answers 403).
#
# Settings from the environment (kernel/hub/hub.sh sets them):
#   RLCONTROL_ROOT   the checkout (required)
#   HUB_DIR          the shared folder of kernel/hub/setup.sh (default /var/lib/rlcontrol-hub)
#   HUB_STATE        the hub's database and secrets (default HUB_DIR/state)
#   HUB_HOST, HUB_PORT   where the hub's proxy listens (default 127.0.0.1:8000)
#   HUB_API_PORT, HUB_PROXY_API_PORT   internal ports (default 8081, 8001)
#   HUB_SSL_CERT, HUB_SSL_KEY   HTTPS: the certificate and key files (both or
#                    neither); without them the hub speaks plain HTTP, fine
#                    on loopback or behind an HTTPS reverse proxy only
#   HUB_ADMINS       teachers' account names
#   HUB_GOPLS        off: no gopls in the kernels (no Tab completion or hover
#                    help; about 0.7 GB less per student); default on
#   HUB_KERNEL_CULL  seconds after which an idle kernel is shut down (default 3600)
import asyncio
import os
import pwd
import shutil

c = get_config()  # noqa: F821 (JupyterHub provides get_config)

ROOT = os.environ["RLCONTROL_ROOT"]
HUB_DIR = os.environ.get("HUB_DIR", "/var/lib/rlcontrol-hub")
STATE = os.environ.get("HUB_STATE") or os.path.join(HUB_DIR, "state")
GROUP = "rlcontrol-students"
LESSONS = os.path.join(ROOT, "notebooks")
LANDING = "00-start-here.ipynb"

host = os.environ.get("HUB_HOST", "127.0.0.1")
port = int(os.environ.get("HUB_PORT", "8000"))
cert, key = os.environ.get("HUB_SSL_CERT", ""), os.environ.get("HUB_SSL_KEY", "")
if bool(cert) != bool(key):
    raise SystemExit("hub: set both HUB_SSL_CERT and HUB_SSL_KEY, or neither (got cert=%r key=%r)" % (cert, key))
for f in (cert, key):
    if f and not os.path.isfile(f):
        raise SystemExit("hub: no such file: %r" % f)
if cert:
    c.JupyterHub.ssl_cert, c.JupyterHub.ssl_key = cert, key
c.JupyterHub.bind_url = "%s://%s:%d/" % ("https" if cert else "http", host, port)
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(os.environ.get("HUB_API_PORT", "8081"))
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:%d" % int(os.environ.get("HUB_PROXY_API_PORT", "8001"))
c.ConfigurableHTTPProxy.pid_file = os.path.join(STATE, "proxy.pid")
c.JupyterHub.db_url = "sqlite:///" + os.path.join(STATE, "jupyterhub.sqlite")
c.JupyterHub.cookie_secret_file = os.path.join(STATE, "jupyterhub_cookie_secret")
# Servers end with the hub: a restarted hub starts them again on demand.
c.JupyterHub.cleanup_servers = True

# Log in: PAM, students' group only.
c.JupyterHub.authenticator_class = "jupyterhub.auth.PAMAuthenticator"
c.Authenticator.allowed_users = set()
c.PAMAuthenticator.allowed_groups = {GROUP}
c.Authenticator.admin_users = {a.strip() for a in os.environ.get("HUB_ADMINS", "").split(",") if a.strip()}

# Each student's server: the classic Notebook (Debian's), as that student.
c.JupyterHub.spawner_class = "jupyterhub.spawner.LocalProcessSpawner"
c.Spawner.cmd = ["jupyterhub-singleuser"]
c.Spawner.notebook_dir = "~/lessons"
c.Spawner.default_url = "/notebooks/" + LANDING if os.path.exists(os.path.join(LESSONS, LANDING)) else "/tree"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 60
cull = int(os.environ.get("HUB_KERNEL_CULL", "3600"))
c.Spawner.args = [
    "--MappingKernelManager.cull_idle_timeout=%d" % cull,
    "--MappingKernelManager.cull_interval=300",
]
# Students' servers inherit nothing of the hub's environment but the locale:
# root's PATH, PYTHONPATH or JUPYTER_* settings are not theirs.
c.Spawner.env_keep = ["LANG", "LC_ALL"]
c.Spawner.environment = {
    "PATH": "/usr/local/bin:/usr/bin:/bin",
    "JUPYTER_PATH": os.path.join(HUB_DIR, "share", "jupyter"),
    "GOPROXY": "off",
    "GOTOOLCHAIN": "local",
    "GOMODCACHE": os.path.join(HUB_DIR, "gomod"),
    "GOFLAGS": "",
    "RLCONTROL_GOPLS": "off" if os.environ.get("HUB_GOPLS", "on") == "off" else "on",
}


async def _run(*argv):
    """Runs argv, raising with its output when it fails."""
    proc = await asyncio.create_subprocess_exec(
        *argv, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    out, _ = await proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError("%s failed (%d): %s" % (" ".join(argv), proc.returncode, out.decode(errors="replace")))


async def prepare_home(spawner):
    """Gives the student their lessons and a warm Go build cache, once."""
    pw = pwd.getpwnam(spawner.user.name)
    home, uid, gid = pw.pw_dir, pw.pw_uid, pw.pw_gid
    os.chmod(home, 0o700)
    lessons = os.path.join(home, "lessons")
    if not os.path.isdir(lessons):
        os.mkdir(lessons, 0o755)
        os.chown(lessons, uid, gid)
    for name in sorted(os.listdir(LESSONS)):
        dst = os.path.join(lessons, name)
        if name.endswith(".ipynb") and not os.path.exists(dst):
            shutil.copyfile(os.path.join(LESSONS, name), dst)
            os.chown(dst, uid, gid)
    cache = os.path.join(home, ".cache", "go-build")
    if not os.path.isdir(cache):
        os.makedirs(os.path.dirname(cache), exist_ok=True)
        os.chown(os.path.dirname(cache), uid, gid)
        tmp = cache + ".copying"
        shutil.rmtree(tmp, ignore_errors=True)
        await _run("cp", "-a", os.path.join(HUB_DIR, "gocache"), tmp)
        await _run("chown", "-R", "%d:%d" % (uid, gid), tmp)
        os.rename(tmp, cache)
    # Trust the lesson copies and show Go's tabs plainly, as the student, in
    # a clean environment: the hub's own (root's JUPYTER_DATA_DIR, say)
    # would point Jupyter at root's folders.
    await _run("runuser", "-u", spawner.user.name, "--", "env", "-i", "HOME=" + home, "USER=" + spawner.user.name,
               "PATH=/usr/bin:/bin", "LANG=C.UTF-8",
               "/usr/bin/python3", os.path.join(ROOT, "kernel", "lab-setup"), lessons)


c.Spawner.pre_spawn_hook = prepare_home

import subprocess
import sys

from tests.support import ROOT


def test_importing_the_simulator_loads_no_django_celery_or_vllm():
    code = (
        "import sys, simulator, pkgutil, importlib\n"
        "for m in pkgutil.walk_packages(simulator.__path__, 'simulator.'):\n"
        "    if not m.name.endswith('__main__'): importlib.import_module(m.name)\n"
        "bad = [n for n in ('django', 'celery', 'vllm', 'recoworld_app') if n in sys.modules]\n"
        "print(bad); sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr

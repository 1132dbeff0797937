"""PyInstaller runtime hook: point python-vlc and libVLC at the copies inside the bundle.

Runs before the program's first import. python-vlc loads the library named by
``PYTHON_VLC_LIB_PATH`` (so it neither searches nor runs ``ldconfig``) and hands libVLC the
plugin folder named by ``PYTHON_VLC_MODULE_PATH``; libVLC itself reads ``VLC_PLUGIN_PATH``. The
plugin cache (``plugins.dat``) was regenerated at build time for the bundled folder, so libVLC
does not load every plugin at start. A value the user set is kept (to debug with a system VLC).
"""

import os
import sys

_bundle = getattr(sys, "_MEIPASS", os.path.dirname(os.path.abspath(sys.executable)))
_lib = os.path.join(_bundle, "libvlc.so.5")
_plugins = os.path.join(_bundle, "vlc", "plugins")
if os.path.isfile(_lib):
    os.environ.setdefault("PYTHON_VLC_LIB_PATH", _lib)
if os.path.isdir(_plugins):
    os.environ.setdefault("PYTHON_VLC_MODULE_PATH", _plugins)
    os.environ.setdefault("VLC_PLUGIN_PATH", _plugins)

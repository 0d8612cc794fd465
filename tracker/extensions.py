"""Flask extensions, created unbound here and bound to the app in `create_app`."""

from flask_babel import lazy_gettext as _l
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from .models import Base
from .translations_cache import QuickBabel

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
babel = QuickBabel()
csrf = CSRFProtect()
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = _l("Please sign in to see this page.")
login_manager.login_message_category = "info"

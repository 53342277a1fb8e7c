from sqlalchemy import MetaData
from sqlalchemy.orm import registry, scoped_session, sessionmaker
metadata = MetaData()
registry = registry()
Session = scoped_session(sessionmaker())

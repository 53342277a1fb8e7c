from sqlalchemy import Column, ForeignKey, Integer, String
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()


class Domain(Base):
    __tablename__ = 'domains'
    id = Column(Integer, primary_key=True)
    name = Column(String)


class Certificate(Base):
    __tablename__ = 'certificates'
    id = Column(Integer, primary_key=True)
    name = Column(String)


class Association(Base):
    __tablename__ = 'associations'
    id = Column(Integer, primary_key=True)
    ports = Column(String)
    certificate_id = Column(Integer, ForeignKey('certificates.id'))
    domain_id = Column(Integer, ForeignKey('domains.id'))
    certificate = relationship(Certificate, backref='associations')
    domain = relationship(Domain)

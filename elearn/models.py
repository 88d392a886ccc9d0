"""Imports every model module so that Base.metadata is complete (Alembic, tests)."""

from elearn.accounts.models import LoginSession, User  # noqa: F401
from elearn.audit.models import AuditEvent  # noqa: F401
from elearn.certificates.models import (  # noqa: F401
    Certificate,
    CertificateType,
    SerialCounter,
    SigningKey,
    VerificationLog,
)
from elearn.classes.models import Attendance, ClassMember, ClassSession, ClassTrainer, TrainingClass  # noqa: F401
from elearn.courses.models import (  # noqa: F401
    Attachment,
    Course,
    CourseEditor,
    Enrolment,
    Lesson,
    LessonProgress,
    Module,
    Programme,
    ProgrammeCourse,
)
from elearn.officers.models import Officer, Position, PositionTitle  # noqa: F401
from elearn.orgs.models import OrgUnit, Sector, Term, UnitKind  # noqa: F401
from elearn.quizzes.models import (  # noqa: F401
    BankEditor,
    Question,
    QuestionBank,
    QuestionCategory,
    QuestionTag,
    QuestionVersion,
    Tag,
)
from elearn.quizzes.quiz_models import AttemptQuestion, Quiz, QuizAttempt, QuizSlot  # noqa: F401
from elearn.targets.models import ClassQuota, Target, TargetSnapshot  # noqa: F401

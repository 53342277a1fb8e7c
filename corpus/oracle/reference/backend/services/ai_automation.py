"""AI Automation: employees, their scenarios, and manual scenario runs."""
from ..clock import now
from ..extensions import db
from ..models import AIEmployee, Scenario


def list_employees(owner_id):
    """The owner's AI employees; scenarios come with them (lazy="selectin")."""
    employees = AIEmployee.query.filter_by(owner_id=owner_id).order_by(AIEmployee.id).all()
    result = []
    for employee in employees:
        item = employee.to_dict()
        item["scenario_count"] = len(employee.scenarios)
        item["scenarios"] = [scenario.name for scenario in employee.scenarios]
        result.append(item)
    return result


def run_scenarios(employee_id):
    """Run every active scenario of an employee once, now."""
    scenarios = (
        Scenario.query.filter_by(employee_id=employee_id, status="active")
        .order_by(Scenario.id)
        .all()
    )
    ran = []
    for scenario in scenarios:
        scenario.run_count += 1
        scenario.last_run_at = now()
        ran.append(scenario.to_dict())
    db.session.commit()
    return ran

from models import db, Chef, Staff


def run():
    staff = Staff.query.count()
    staff_with_chef = Staff.query.join(Chef, Staff.chef_id == Chef.id).filter(Chef.active == True).count()
    return staff, staff_with_chef

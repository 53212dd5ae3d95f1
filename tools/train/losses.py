"""A classifier's training loss: the task's own, or mixed with a teacher's
(train.py --teacher; the teacher's logits come from distill.py):

    loss = (1 - w) · task loss + w · T² · KL(softmax(teacher / T) ‖ softmax(student / T))

for classification (Hinton et al.'s soft targets; T² keeps the gradient's
scale as T changes), and (1 - w) · MSE(label) + w · MSE(teacher's score) for
regression, where T plays no part."""
import torch


def task_loss(logits, labels, regression):
    if regression:
        return torch.nn.functional.mse_loss(logits.squeeze(-1), labels)
    return torch.nn.functional.cross_entropy(logits, labels)


def teacher_mixed_loss(student, teacher, labels, regression, weight, temperature):
    """The loss of the module docstring for one batch: student and teacher [B × labels]."""
    if regression:
        soft = torch.nn.functional.mse_loss(student.squeeze(-1), teacher.squeeze(-1))
    else:
        soft = torch.nn.functional.kl_div(torch.log_softmax(student / temperature, dim=-1),
                                          torch.log_softmax(teacher / temperature, dim=-1),
                                          log_target=True, reduction="batchmean") * temperature ** 2
    return (1 - weight) * task_loss(student, labels, regression) + weight * soft

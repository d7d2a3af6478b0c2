"""The reinforcement-learning stage: GRPO with exact, checkable rewards after SFT.

``python train.py experiment=rl init_from=PATH`` starts from a trained model and,
for each problem, samples a group of completions, rewards the right answers and
pushes the policy towards the better-than-average ones (``grpo.py``). Problems are
chosen where they teach: those the starting model sometimes, but not always,
solves (``data.py``). The LightningModule is ``module.py``; ``rollout.py`` turns
problems into sampled completions and the token tensors the update needs;
``rewards.py`` scores a completion.
"""

"""Importers: trained models from other libraries as :class:`~reluineq.Network` objects.

- :mod:`.sklearn_mlp`: scikit-learn's fitted ``MLPRegressor`` and ``MLPClassifier``
  (:meth:`Network.from_sklearn <reluineq.Network.from_sklearn>`);
- :mod:`.onnx_model`: ONNX graphs of dense layers, such as PyTorch and skl2onnx export
  (:meth:`Network.from_onnx <reluineq.Network.from_onnx>`, optional extra ``onnx``).

Both end the network at the logits: the classifier's output function (softmax, logistic)
is left out, so the network stays piecewise linear, and the class with the largest logit is
the class the model predicts.
"""

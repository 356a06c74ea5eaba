# PI002: the trust statement lacks sts:TagSession.
# PI004: the condition names another namespace than the association.
# AWS001: the cluster name is a variable, so it was not checked.
resource "aws_iam_role" "ledger" {
  name               = "ledger"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect = "Allow"
        Principal = {
          Service = "pods.eks.amazonaws.com"
        }
        Action = "sts:AssumeRole"
        Condition = {
          StringEquals = {
            "aws:RequestTag/kubernetes-namespace" = "ledger-prod"
            "aws:RequestTag/kubernetes-service-account" = "ledger"
          }
        }
      }
    ]
  })
}

resource "aws_eks_pod_identity_association" "ledger" {
  cluster_name    = var.cluster_name
  namespace       = "ledger"
  service_account = "ledger"
  role_arn        = aws_iam_role.ledger.arn
}

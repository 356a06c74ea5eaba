# EKS Pod Identity with Terraform: the trust policy as an aws_iam_policy_document, the
# association pointing at the role by reference.
resource "aws_eks_cluster" "main" {
  name     = "prod"
  role_arn = "arn:aws:iam::111122223333:role/eks-cluster"
  vpc_config {
    subnet_ids = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]
  }
}

data "aws_iam_policy_document" "inventory" {
  statement {
    effect  = "Allow"
    actions = ["sts:AssumeRole", "sts:TagSession"]
    principals {
      type        = "Service"
      identifiers = ["pods.eks.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:RequestTag/eks-cluster-name"
      values   = ["prod"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:RequestTag/kubernetes-namespace"
      values   = ["pi-tf"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:RequestTag/kubernetes-service-account"
      values   = ["inventory"]
    }
  }
}

resource "aws_iam_role" "inventory" {
  name               = "pi-tf-inventory"
  assume_role_policy = data.aws_iam_policy_document.inventory.json
}

resource "aws_eks_pod_identity_association" "inventory" {
  cluster_name    = aws_eks_cluster.main.name
  namespace       = "pi-tf"
  service_account = "inventory"
  role_arn        = aws_iam_role.inventory.arn
}

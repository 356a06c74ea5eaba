locals {
  project_id = "shop-prod-4711"
}

resource "google_service_account" "reports" {
  account_id   = "reports-job"
  project      = "shop-prod-4711"
  display_name = "nightly reports"
}

# roles/iam.workloadIdentityUser on the Google service account, for analytics/reports only.
resource "google_service_account_iam_member" "reports_workload_identity" {
  service_account_id = google_service_account.reports.name
  role               = "roles/iam.workloadIdentityUser"
  member             = "serviceAccount:${local.project_id}.svc.id.goog[analytics/reports]"
}

resource "google_storage_bucket_iam_member" "reports_reader" {
  bucket = "shop-prod-4711-exports"
  role   = "roles/storage.objectViewer"
  member = "serviceAccount:${google_service_account.reports.email}"
}

# A second workload whose Kubernetes ServiceAccount is managed by Terraform as well.
resource "google_service_account" "exporter" {
  account_id = "metrics-exporter"
  project    = "shop-prod-4711"
}

resource "kubernetes_service_account_v1" "exporter" {
  metadata {
    name      = "exporter"
    namespace = "analytics"
    annotations = {
      "iam.gke.io/gcp-service-account" = google_service_account.exporter.email
    }
  }
}

resource "google_service_account_iam_member" "exporter_workload_identity" {
  service_account_id = google_service_account.exporter.name
  role               = "roles/iam.workloadIdentityUser"
  member             = "serviceAccount:shop-prod-4711.svc.id.goog[analytics/exporter]"
}

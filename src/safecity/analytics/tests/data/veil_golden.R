# Reference fit of the veil-of-darkness model in R, for test_veil.py (R is needed only to regenerate the
# golden file, never to run the tests). From the repository root:
#
#   Rscript src/safecity/analytics/tests/data/veil_golden.R > src/safecity/analytics/tests/data/veil_golden.json
#
# Reads veil_fixture.csv (next to this script, or the path given as the first argument), fits the model of
# Pierson et al. 2020 (Nature Human Behaviour 4:736-745) with base R's glm and splines::ns, without and with
# district fixed effects, and prints JSON: beta of is_dark, its standard error, n, the residual deviance and
# the spline knots, each to 10 significant digits, with the R version, the command and the date.
#
# glm's convergence tolerance is tightened from 1e-8 to 1e-12 so that the printed digits are those of the
# maximum-likelihood estimate, not of wherever the default stopping rule happened to stop.

args <- commandArgs(trailingOnly = TRUE)
script <- sub("^--file=", "", grep("^--file=", commandArgs(trailingOnly = FALSE), value = TRUE))
csv_path <- if (length(args) >= 1) args[[1]] else file.path(dirname(script), "veil_fixture.csv")

stops <- read.csv(csv_path, colClasses = c("integer", "integer", "integer", "character"))
control <- glm.control(epsilon = 1e-12, maxit = 100)

num <- function(x) sprintf("%.10g", x)
vec <- function(x) paste0("[", paste(num(x), collapse = ", "), "]")

fit_model <- function(formula) {
  fit <- glm(formula, family = binomial, data = stops, control = control)
  if (!fit$converged) stop("glm did not converge")
  coefs <- summary(fit)$coefficients
  paste0(
    "{\"beta_dark\": ", num(coefs["is_dark", "Estimate"]),
    ", \"se\": ", num(coefs["is_dark", "Std. Error"]),
    ", \"n\": ", nobs(fit),
    ", \"deviance\": ", num(deviance(fit)),
    ", \"iterations\": ", fit$iter, "}"
  )
}

basis <- splines::ns(stops$minute, df = 6)
plain <- fit_model(is_minority ~ is_dark + splines::ns(minute, df = 6))
district <- fit_model(is_minority ~ is_dark + splines::ns(minute, df = 6) + as.factor(district))

cat(
  "{\n",
  "  \"_generated\": {\n",
  "    \"by\": \"", R.version.string, "\",\n",
  "    \"command\": \"Rscript src/safecity/analytics/tests/data/veil_golden.R > ",
  "src/safecity/analytics/tests/data/veil_golden.json\",\n",
  "    \"date\": \"", format(Sys.Date()), "\",\n",
  "    \"input\": \"", basename(csv_path), "\",\n",
  "    \"glm\": \"glm(family = binomial, control = glm.control(epsilon = 1e-12, maxit = 100))\"\n",
  "  },\n",
  "  \"spline\": {\"df\": 6, \"knots\": ", vec(attr(basis, "knots")),
  ", \"boundary_knots\": ", vec(attr(basis, "Boundary.knots")), "},\n",
  "  \"models\": {\n",
  "    \"is_minority ~ is_dark + splines::ns(minute, df = 6)\": ", plain, ",\n",
  "    \"is_minority ~ is_dark + splines::ns(minute, df = 6) + as.factor(district)\": ", district, "\n",
  "  }\n",
  "}\n",
  sep = ""
)

"""The platforms a process may run on, which decide the role that credentials in its environment hide."""

# Where the process runs, as far as the file that starts it tells.
PLATFORM_ANY = "any"  # Python code: it may run anywhere
PLATFORM_LAMBDA = "lambda"
PLATFORM_ECS = "ecs"
PLATFORM_KUBERNETES = "kubernetes"
PLATFORM_CONTAINER = "container"  # a Docker image or compose service: ECS, EKS or a plain host
PLATFORM_HOST = "host"  # a systemd service or a dotenv file: EC2 or any server
PLATFORM_GITHUB_ACTIONS = "github-actions"

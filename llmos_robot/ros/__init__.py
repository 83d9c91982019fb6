"""ROS 2 adapters: one thin node per part plus message conversions. The only code importing rclpy."""
